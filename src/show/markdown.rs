//! Lesson narration, written in Markdown, rendered for a terminal.
//!
//! The same `lessons/NN-slug.md` file is included by the book (where mdBook
//! renders it as HTML) and printed by `netlab lesson N`. This is a small
//! renderer for the subset the lessons use: `#` headings, `>` quotes,
//! lists, fenced code, `**bold**` and `` `code` ``. Everything else is
//! printed as written, which is also readable.

use colored::Colorize;

use super::style;

/// Renders a block of Markdown for the terminal.
pub fn render(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let rendered = if in_code {
            format!("    {}", style::code(line))
        } else if let Some(h) = line.strip_prefix("# ") {
            format!("{}\n{}", style::heading(h), "═".repeat(width(h)))
        } else if let Some(h) = line.strip_prefix("## ") {
            format!("{}\n{}", style::heading(h), "─".repeat(width(h)))
        } else if let Some(h) = line.strip_prefix("### ") {
            style::heading(h).to_string()
        } else if let Some(q) = line.strip_prefix('>') {
            format!("  │ {}", inline(q.trim_start()).italic())
        } else {
            inline(line)
        };
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}

/// `**bold**` → bold, `` `code` `` → coloured code, `[text](url)` → text
/// (url). Markers without a partner are left as they are.
fn inline(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(['*', '`', '[']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(inner) = tail.strip_prefix("**")
            && let Some(end) = inner.find("**")
        {
            out.push_str(&inner[..end].bold().to_string());
            rest = &inner[end + 2..];
        } else if let Some(inner) = tail.strip_prefix('*')
            && let Some(end) = emphasis_end(inner)
        {
            out.push_str(&inner[..end].italic().to_string());
            rest = &inner[end + 1..];
        } else if let Some(inner) = tail.strip_prefix('`')
            && let Some(end) = inner.find('`')
        {
            out.push_str(&style::code(&inner[..end]).to_string());
            rest = &inner[end + 1..];
        } else if let Some(inner) = tail.strip_prefix('[')
            && let Some(mid) = inner.find("](")
            && let Some(end) = inner[mid..].find(')')
        {
            let text = &inner[..mid];
            let url = &inner[mid + 2..mid + end];
            out.push_str(&format!("{text} ({url})"));
            rest = &inner[mid + end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Where a `*emphasis*` closes: the text must not start or end with a
/// space, so `2 * 3 * 4` stays as it is.
fn emphasis_end(inner: &str) -> Option<usize> {
    if inner.starts_with([' ', '*']) {
        return None;
    }
    let end = inner.find('*')?;
    (end > 0 && !inner[..end].ends_with(' ')).then_some(end)
}

/// Display width: CJK characters take two columns.
pub(crate) fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if ('\u{2E80}'..='\u{FFEF}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_subset_without_colour() {
        colored::control::set_override(false);
        let md = "# Title\n\nSome **bold** and `code`, a [link](http://x) *it*.\n\
                  > quoted\n```text\nverbatim *stays*\n```\n- item";
        let out = render(md);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Title");
        assert_eq!(lines[1], "═════");
        assert_eq!(lines[3], "Some bold and code, a link (http://x) it.");
        assert_eq!(lines[4], "  │ quoted");
        assert_eq!(lines[5], "    verbatim *stays*");
        assert_eq!(lines[6], "- item");
    }

    #[test]
    fn unpaired_markers_survive() {
        colored::control::set_override(false);
        assert_eq!(inline("2 * 3 and `x and [y"), "2 * 3 and `x and [y");
        assert_eq!(inline("2 * 3 * 4, a*"), "2 * 3 * 4, a*");
    }

    #[test]
    fn cjk_headings_get_double_width_rules() {
        assert_eq!(width("Socket机制"), 10);
    }
}
