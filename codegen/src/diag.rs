//! Errors and warnings that point at what they are about: a file, and where a TOML value is at fault
//! its line and column, rendered with the source line underlined.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A text file read by the generator, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given (relative paths stay relative, so messages stay short).
    pub path: PathBuf,
    /// The whole text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A source file from its path and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The project cannot be generated.
    Error,
    /// The project is generated, but something deserves attention (a weight that does not fit its
    /// type, a reuse factor that was adjusted).
    Warning,
}

/// One message, with where it points and how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The file it is about.
    pub file: Option<PathBuf>,
    /// The file's text and the byte range at fault, when the fault has a place in a text file.
    pub span: Option<(Arc<SourceFile>, Range<usize>)>,
    /// Hints: how to fix it.
    pub help: Vec<String>,
}

impl Diagnostic {
    /// The `file:line:col` of the span, or the file alone.
    pub fn location(&self) -> Option<String> {
        match (&self.span, &self.file) {
            (Some((src, range)), _) => {
                let (line, col) = src.line_col(range.start);
                Some(format!("{}:{line}:{col}", src.path.display()))
            }
            (None, Some(file)) => Some(file.display().to_string()),
            (None, None) => None,
        }
    }

    /// Renders the message the way compilers do: the message, the location, the source line with
    /// the span underlined, then the hints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{word}: {}\n", self.message));
        if let Some(loc) = self.location() {
            out.push_str(&format!("  --> {loc}\n"));
        }
        if let Some((src, range)) = &self.span {
            let (line, col) = src.line_col(range.start);
            if let Some(text) = src.text.lines().nth(line - 1) {
                let gutter = line.to_string().len();
                let end_in_line = {
                    let start = range.start.min(src.text.len());
                    let end = range.end.max(start + 1).min(src.text.len()).max(start);
                    let spanned = &src.text[floor_char_boundary(&src.text, start)..floor_char_boundary(&src.text, end)];
                    spanned.split('\n').next().unwrap_or("").chars().count().max(1)
                };
                out.push_str(&format!("{:gutter$} |\n", ""));
                out.push_str(&format!("{line} | {text}\n"));
                out.push_str(&format!(
                    "{:gutter$} | {:pad$}{}\n",
                    "",
                    "",
                    "^".repeat(end_in_line),
                    pad = col - 1
                ));
            }
        }
        for h in &self.help {
            out.push_str(&format!("  = help: {h}\n"));
        }
        out
    }
}

/// One or more diagnostics: the error type of every fallible generator function.
#[derive(Debug, Clone)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message and nothing to point at.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                message: message.into(),
                file: None,
                span: None,
                help: vec![],
            }],
        }
    }

    /// An error about a whole file (a model file that is corrupt, say).
    pub fn in_file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        let mut e = Error::new(message);
        e.diagnostics[0].file = Some(path.as_ref().to_path_buf());
        e
    }

    /// An error about a range of a text file (a TOML value).
    pub fn at(src: &Arc<SourceFile>, span: Range<usize>, message: impl Into<String>) -> Self {
        let mut e = Error::new(message);
        e.diagnostics[0].file = Some(src.path.clone());
        e.diagnostics[0].span = Some((src.clone(), span));
        e
    }

    /// Adds a hint to the (last) diagnostic.
    pub fn help(mut self, hint: impl Into<String>) -> Self {
        if let Some(d) = self.diagnostics.last_mut() {
            d.help.push(hint.into());
        }
        self
    }

    /// Attaches a file to diagnostics that have none (an importer's error, reported by its caller).
    pub fn with_file(mut self, path: impl AsRef<Path>) -> Self {
        for d in &mut self.diagnostics {
            if d.file.is_none() {
                d.file = Some(path.as_ref().to_path_buf());
            }
        }
        self
    }

    /// Prefixes every message (e.g. with the layer the error is about).
    pub fn context(mut self, prefix: impl fmt::Display) -> Self {
        for d in &mut self.diagnostics {
            d.message = format!("{prefix}: {}", d.message);
        }
        self
    }

    /// The diagnostics, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The first diagnostic's message.
    pub fn message(&self) -> &str {
        &self.diagnostics[0].message
    }

    /// All diagnostics rendered with their source lines.
    pub fn render(&self) -> String {
        self.diagnostics
            .iter()
            .map(Diagnostic::render)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Merges several errors into one (each phase reports all it found, then stops).
    pub fn combine(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
        let diagnostics: Vec<Diagnostic> = errors.into_iter().flat_map(|e| e.diagnostics).collect();
        (!diagnostics.is_empty()).then_some(Error { diagnostics })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

impl std::error::Error for Error {}

/// A warning found while generating (kept beside the result, not failing it).
pub fn warning(message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        message: message.into(),
        file: None,
        span: None,
        help: vec![],
    }
}

/// The candidate closest to `word` by edit distance, when close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word_l, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1) || c.to_ascii_lowercase() == word_l)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
/// neighbours each cost one (`hsl` → `hls` is one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_col_and_underline() {
        let src = Arc::new(SourceFile::new("m.toml", "[board]\nname = \"pynq-z3\"\n"));
        let e = Error::at(&src, 15..24, "unknown board").help("did you mean `pynq-z2`?");
        let r = e.render();
        assert!(r.contains("m.toml:2:8"), "{r}");
        assert!(r.contains("2 | name = \"pynq-z3\""), "{r}");
        assert!(r.contains("^^^^^^^^^"), "{r}");
        assert!(r.contains("help: did you mean"), "{r}");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("presicion", ["precision", "reuse_factor"]),
            Some("precision")
        );
        assert_eq!(did_you_mean("zzz", ["precision", "reuse_factor"]), None);
        assert_eq!(did_you_mean("hsl", ["model", "board", "hls"]), Some("hls"));
    }
}
