//! The plain-text layout shared by Vivado and Vivado HLS `.rpt` files: `+---+` ruled tables of
//! `|`-separated cells, and `Key : value` header lines.

/// One ruled table: its rows in order, separator lines left out.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub rows: Vec<Row>,
    /// Whether the table ends with a rule line (a truncated report's last table does not).
    pub closed: bool,
}

/// One row of a table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 0-based line number in the report.
    pub line: usize,
    /// The cells, trimmed.
    pub cells: Vec<String>,
    /// Spaces before the first cell's text (Vivado indents child instances by two per level).
    pub indent: usize,
}

impl Row {
    /// The trimmed cell `i`, or `""` past the end.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }

    /// The first cell, with any trailing footnote mark (`Slice LUTs*`) removed.
    pub fn label(&self) -> &str {
        self.cell(0).trim_end_matches('*').trim_end()
    }
}

impl Table {
    /// The first line of the table (0-based).
    pub fn line(&self) -> usize {
        self.rows.first().map_or(0, |r| r.line)
    }

    /// An error unless the table ends with its rule line.
    pub fn check_closed(&self, what: &str) -> crate::diag::Result<()> {
        if self.closed {
            Ok(())
        } else {
            Err(crate::diag::Error::new(format!(
                "{what} (line {}) is not closed by a `+---+` rule: the file may be truncated",
                self.line() + 1
            )))
        }
    }

    /// The first row whose label (first cell, footnote mark removed) is one of `labels`.
    pub fn row(&self, labels: &[&str]) -> Option<&Row> {
        self.rows.iter().find(|r| labels.contains(&r.label()))
    }

    /// The column of a header row whose cell is one of `names`.
    pub fn column(header: &Row, names: &[&str]) -> Option<usize> {
        header.cells.iter().position(|c| names.contains(&c.as_str()))
    }
}

/// Every ruled table of a report, in order.
pub(crate) fn tables(text: &str) -> Vec<Table> {
    let mut out = Vec::new();
    let mut current: Option<Table> = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        let is_rule = t.starts_with("+-") && t.chars().all(|c| c == '+' || c == '-');
        let is_row = t.starts_with('|');
        if !(is_rule || is_row) {
            if let Some(table) = current.take() {
                out.push(table);
            }
            continue;
        }
        let table = current.get_or_insert_with(|| Table {
            rows: Vec::new(),
            closed: false,
        });
        table.closed = is_rule;
        if is_row {
            table.rows.push(split_row(n, t));
        }
    }
    out.extend(current);
    out
}

fn split_row(line: usize, t: &str) -> Row {
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let first = inner.split('|').next().unwrap_or("");
    let indent = first.len() - first.trim_start().len();
    Row {
        line,
        cells: inner.split('|').map(|c| c.trim().to_string()).collect(),
        indent,
    }
}

/// The value of the first header line `Key : value` (also `| Key : value` and `* Key: value`).
pub(crate) fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let t = line.trim_start().trim_start_matches(['|', '*']).trim_start();
        let (k, v) = t.split_once(':')?;
        (k.trim() == key).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_ruled_tables_into_rows_and_keeps_indents() {
        let text = "title\n+---+---+\n| a | b |\n+---+---+\n|   x* | 1 |\n+---+---+\n\n+-+\n|only|\n";
        let t = tables(text);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].rows.len(), 2);
        assert_eq!(t[0].rows[1].label(), "x");
        assert_eq!(t[0].rows[1].indent, 3);
        assert_eq!(t[0].line(), 2);
        assert!(t[0].closed);
        assert!(!t[1].closed);
        assert_eq!(t[1].rows[0].cell(0), "only");
        assert_eq!(t[1].rows[0].cell(5), "");
    }

    #[test]
    fn reads_header_fields_in_both_styles() {
        let text = "| Device       : 7z020clg400-1\n* Target device:  xc7z020-clg400-1\n| Date : 12:00\n";
        assert_eq!(field(text, "Device"), Some("7z020clg400-1"));
        assert_eq!(field(text, "Target device"), Some("xc7z020-clg400-1"));
        assert_eq!(field(text, "Date"), Some("12:00"));
        assert_eq!(field(text, "Part"), None);
    }
}
