//! The small part of XML that Vivado's hardware handoff (`.hwh`), HLS reports and project files
//! use: elements, attributes, text, comments, declarations, CDATA and the five named entities.
//! Enough to read `design_1.hwh`, `<top>_csynth.xml` and `vivado_hls.app`; anything that is not
//! well formed is an [`XmlError`] with its line number.
//!
//! ```
//! use hls4ml_runtime::zynq::xml;
//! let root = xml::parse("<a x='1'><b>5 &lt; 6</b></a>").unwrap();
//! assert_eq!(root.attr("x"), Some("1"));
//! assert_eq!(root.text_at("b"), Some("5 < 6"));
//! ```

use std::fmt;

/// A document that is not well-formed XML: the message names the line where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    message: String,
}

impl XmlError {
    fn new(message: impl Into<String>) -> XmlError {
        XmlError {
            message: message.into(),
        }
    }

    /// The message ("malformed XML at line 3: …").
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for XmlError {}

/// `Result<T, XmlError>`.
pub type Result<T, E = XmlError> = std::result::Result<T, E>;

/// Deeper nesting than this is refused (the reports nest four levels deep).
const MAX_DEPTH: usize = 64;

/// One element: its name (with any namespace prefix), attributes, child elements and the text
/// directly inside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// The tag name, with any namespace prefix (`AutoPilot:project`).
    pub name: String,
    /// The attributes, in document order, with entity references replaced.
    pub attrs: Vec<(String, String)>,
    /// The child elements, in document order.
    pub children: Vec<Element>,
    /// The text directly inside the element (all its text pieces, joined).
    pub text: String,
    /// Byte offset of the start tag, for messages.
    pub offset: usize,
}

impl Element {
    /// The name without its namespace prefix (`AutoPilot:project` → `project`).
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The first child element with this (local) name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.local_name() == name)
    }

    /// Every child element with this (local) name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.local_name() == name)
    }

    /// The element at a `/`-separated path of child names below this one.
    pub fn at(&self, path: &str) -> Option<&Element> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .try_fold(self, |e, name| e.child(name))
    }

    /// The trimmed text of the element at `path`.
    pub fn text_at(&self, path: &str) -> Option<&str> {
        self.at(path).map(|e| e.text.trim())
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses a whole document and returns its root element.
pub fn parse(text: &str) -> Result<Element> {
    let mut p = Parser { s: text, pos: 0 };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = p.pos;
        let rest = &p.s[p.pos..];
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after
                .find("-->")
                .ok_or_else(|| p.err(at, "a comment is not closed (`-->` missing)"))?;
            p.pos += 4 + end + 3;
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after
                .find("]]>")
                .ok_or_else(|| p.err(at, "a CDATA section is not closed (`]]>` missing)"))?;
            match stack.last_mut() {
                Some(top) => top.text.push_str(&after[..end]),
                None => return Err(p.err(at, "text outside the root element")),
            }
            p.pos += 9 + end + 3;
        } else if rest.starts_with("<?") {
            let end = rest
                .find("?>")
                .ok_or_else(|| p.err(at, "a declaration is not closed (`?>` missing)"))?;
            p.pos += end + 2;
        } else if rest.starts_with("<!") {
            // A DOCTYPE; reports have none, but skipping one is harmless.
            let end = rest
                .find('>')
                .ok_or_else(|| p.err(at, "a `<!` declaration is not closed"))?;
            p.pos += end + 1;
        } else if rest.starts_with("</") {
            p.pos += 2;
            let name = p.name().ok_or_else(|| p.err(at, "an end tag has no name"))?;
            p.skip_space();
            if !p.s[p.pos..].starts_with('>') {
                return Err(p.err(p.pos, format!("end tag `</{name}` is not closed with `>`")));
            }
            p.pos += 1;
            let Some(done) = stack.pop() else {
                return Err(p.err(at, format!("end tag `</{name}>` without a start tag")));
            };
            if done.name != name {
                return Err(p.err(
                    at,
                    format!(
                        "end tag `</{name}>` does not match `<{}>` (line {})",
                        done.name,
                        line_of(p.s, done.offset)
                    ),
                ));
            }
            attach(&mut stack, &mut root, done, &p, at)?;
        } else if rest.starts_with('<') {
            p.pos += 1;
            let name = p.name().ok_or_else(|| p.err(at, "a `<` that starts no tag"))?;
            let mut element = Element {
                name,
                offset: at,
                ..Element::default()
            };
            let closed = loop {
                p.skip_space();
                let r = &p.s[p.pos..];
                if r.starts_with("/>") {
                    p.pos += 2;
                    break true;
                }
                if r.starts_with('>') {
                    p.pos += 1;
                    break false;
                }
                let attr_at = p.pos;
                let key = p
                    .name()
                    .ok_or_else(|| p.err(attr_at, format!("tag `<{}>` is not closed with `>`", element.name)))?;
                p.skip_space();
                if !p.s[p.pos..].starts_with('=') {
                    return Err(p.err(p.pos, format!("attribute `{key}` has no `=`")));
                }
                p.pos += 1;
                p.skip_space();
                let quote = p.s[p.pos..].chars().next();
                let Some(q @ ('"' | '\'')) = quote else {
                    return Err(p.err(p.pos, format!("attribute `{key}`'s value is not quoted")));
                };
                p.pos += 1;
                let end = p.s[p.pos..]
                    .find(q)
                    .ok_or_else(|| p.err(attr_at, format!("attribute `{key}`'s value is not closed")))?;
                let value = unescape(&p.s[p.pos..p.pos + end]).map_err(|m| p.err(attr_at, m))?;
                p.pos += end + 1;
                element.attrs.push((key, value));
            };
            if closed {
                attach(&mut stack, &mut root, element, &p, at)?;
            } else {
                if stack.len() >= MAX_DEPTH {
                    return Err(p.err(at, format!("elements nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(element);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            match stack.last_mut() {
                Some(top) => top.text.push_str(&unescape(raw).map_err(|m| p.err(at, m))?),
                None if raw.trim().is_empty() => {}
                None => return Err(p.err(at, "text outside the root element")),
            }
            p.pos += end;
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::new(format!(
            "malformed XML: element `<{}>` opened at line {} is never closed (the file may be truncated)",
            open.name,
            line_of(text, open.offset)
        )));
    }
    root.ok_or_else(|| XmlError::new("malformed XML: no root element (the file is empty or truncated)"))
}

/// Adds a finished element to its parent, or makes it the root.
fn attach(stack: &mut [Element], root: &mut Option<Element>, done: Element, p: &Parser, at: usize) -> Result<()> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => return Err(p.err(at, format!("a second root element `<{}>`", done.name))),
    }
    Ok(())
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn name(&mut self) -> Option<String> {
        let rest = &self.s[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        self.pos += len;
        Some(rest[..len].to_string())
    }

    fn skip_space(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn err(&self, at: usize, message: impl fmt::Display) -> XmlError {
        XmlError::new(format!("malformed XML at line {}: {message}", line_of(self.s, at)))
    }
}

fn line_of(s: &str, at: usize) -> usize {
    s.as_bytes()[..at.min(s.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Replaces entity and character references.
fn unescape(raw: &str) -> std::result::Result<String, String> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest
            .find(';')
            .filter(|&e| e <= 10)
            .ok_or_else(|| "a `&` that starts no entity reference".to_string())?;
        let entity = &rest[..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity reference `&{entity};`"))?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_by_path_with_attributes_comments_and_entities() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- c -->\n<a x='1'>\n <b kind=\"k &amp; l\"> 5 &lt; 6 </b>\n \
                   <c/><b>second</b><n:d>ns</n:d></a>\n";
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("x"), Some("1"));
        assert_eq!(root.text_at("b"), Some("5 < 6"));
        assert_eq!(root.at("b").unwrap().attr("kind"), Some("k & l"));
        assert_eq!(root.children_named("b").count(), 2);
        assert_eq!(root.text_at("d"), Some("ns"));
        assert!(root.at("c").is_some());
        assert!(root.at("b/zz").is_none());
    }

    #[test]
    fn malformed_documents_are_errors_with_a_line() {
        for (doc, want) in [
            ("<a><b></a>", "does not match"),
            ("<a><b>", "never closed"),
            ("", "no root"),
            ("<a></a><b/>", "second root"),
            ("<a x=1/>", "not quoted"),
            ("<a>&bogus;</a>", "unknown entity"),
            ("</a>", "without a start tag"),
            ("<a\n<b>", "line"),
        ] {
            let e = parse(doc).unwrap_err();
            assert!(e.message().contains(want), "{doc:?}: {}", e.message());
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&doc).unwrap_err().message().contains("nested deeper"));
    }
}
