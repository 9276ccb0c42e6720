//! A small argument parser: one positional TOML path and `--key value` options.

use hls4ml_codegen::{Project, Severity};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What went wrong: a usage error (exit 2, with the help) or a failure (exit 1).
pub enum CliError {
    /// The command line is wrong.
    Usage(String),
    /// The command ran and failed; the text is already rendered.
    Failed(String),
}

impl From<hls4ml_codegen::Error> for CliError {
    fn from(e: hls4ml_codegen::Error) -> Self {
        CliError::Failed(e.render())
    }
}

/// Parsed arguments of one command.
pub struct Args {
    /// The model+board TOML.
    pub toml: PathBuf,
    options: BTreeMap<String, String>,
}

impl Args {
    /// Parses `<toml> [--key value]...`, accepting only the given option names.
    pub fn parse(argv: &[String], allowed: &[&str]) -> Result<Args, CliError> {
        Args::parse_with_flags(argv, allowed, &[])
    }

    /// [`Args::parse`] where the names in `flags` take no value (`--json`); a given flag reads as
    /// `Some("true")`.
    pub fn parse_with_flags(argv: &[String], allowed: &[&str], flags: &[&str]) -> Result<Args, CliError> {
        let mut toml = None;
        let mut options = BTreeMap::new();
        let mut it = argv.iter();
        while let Some(a) = it.next() {
            // `-o DIR` is the short form of `--o DIR` (the output folder).
            let a = if a == "-o" { "--o" } else { a.as_str() };
            if let Some(key) = a.strip_prefix("--") {
                let (key, inline) = match key.split_once('=') {
                    Some((k, v)) => (k, Some(v.to_string())),
                    None => (key, None),
                };
                if flags.contains(&key) {
                    if let Some(v) = inline {
                        return Err(CliError::Usage(format!("`--{key}` takes no value (got `{v}`)")));
                    }
                    options.insert(key.to_string(), "true".to_string());
                    continue;
                }
                if !allowed.contains(&key) {
                    let names: Vec<String> = allowed.iter().chain(flags).map(|k| format!("--{k}")).collect();
                    let list = if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    };
                    return Err(CliError::Usage(format!(
                        "unknown option `--{key}`; this command takes: {list}"
                    )));
                }
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| CliError::Usage(format!("`--{key}` needs a value")))?,
                };
                options.insert(key.to_string(), value);
            } else if toml.is_none() {
                toml = Some(PathBuf::from(a));
            } else {
                return Err(CliError::Usage(format!("unexpected argument `{a}`")));
            }
        }
        let toml = toml.ok_or_else(|| CliError::Usage("missing the model+board TOML file".into()))?;
        Ok(Args { toml, options })
    }

    /// An option's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.options.get(key).map(String::as_str)
    }

    /// A required option's value.
    pub fn require(&self, key: &str) -> Result<&str, CliError> {
        self.get(key)
            .ok_or_else(|| CliError::Usage(format!("`--{key}` is required")))
    }

    /// Loads the project and prints its warnings to stderr.
    pub fn project(&self) -> Result<Project, CliError> {
        let project = Project::load(&self.toml)?;
        for w in &project.warnings {
            debug_assert_eq!(w.severity, Severity::Warning);
            eprint!("{}", w.render());
        }
        Ok(project)
    }
}
