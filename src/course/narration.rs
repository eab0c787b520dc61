//! A lesson's narration, split where its live demo steps run.
//!
//! A lesson file is Markdown with markers on lines of their own:
//!
//! ```markdown
//! The server first asks the kernel for a socket.
//!
//! <!-- demo: socket -->
//!
//! The number that came back is a file descriptor …
//! ```
//!
//! An HTML comment is invisible when mdBook renders the book, so the same
//! file reads as prose there, while `netlab lesson` runs the demo step
//! `socket` at that point.

/// A piece of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Markdown to print.
    Text(&'a str),
    /// The name of a demo step to run here.
    Demo(&'a str),
}

/// Splits a lesson into text and demo markers, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(name) = marker(trimmed) {
            push_text(&mut out, &text[start..offset]);
            out.push(Segment::Demo(name));
            start = offset + line.len();
        }
        offset += line.len();
    }
    push_text(&mut out, &text[start..]);
    out
}

/// `<!-- demo: NAME -->` (spaces optional) → `NAME`.
fn marker(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?;
    inner.trim().strip_prefix("demo:").map(str::trim)
}

fn push_text<'a>(out: &mut Vec<Segment<'a>>, text: &'a str) {
    let text = text.trim_matches('\n');
    if !text.trim().is_empty() {
        out.push(Segment::Text(text));
    }
}

/// A block of Markdown cut at its blank lines, never inside a fenced code
/// block: the places where a paced lesson may stop.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut in_code = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.trim().is_empty() {
            push_paragraph(&mut out, &text[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    push_paragraph(&mut out, &text[start..]);
    out
}

fn push_paragraph<'a>(out: &mut Vec<&'a str>, text: &'a str) {
    let text = text.trim_end_matches('\n');
    if !text.trim().is_empty() {
        out.push(text);
    }
}

/// The demo steps a lesson names, in order.
pub fn demo_steps(text: &str) -> Vec<String> {
    segments(text)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Demo(name) => Some(name.to_string()),
            Segment::Text(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_around_markers() {
        let text = "# T\n\nintro\n\n<!-- demo: socket -->\n\nafter\n\
                    <!--demo:bind-->\n";
        assert_eq!(
            segments(text),
            vec![
                Segment::Text("# T\n\nintro"),
                Segment::Demo("socket"),
                Segment::Text("after"),
                Segment::Demo("bind"),
            ]
        );
    }

    #[test]
    fn paragraphs_split_at_blank_lines_outside_code() {
        let text = "## A\n\none\ntwo\n\n```\ncode\n\nmore\n```\n\n\nlast";
        assert_eq!(
            paragraphs(text),
            vec!["## A", "one\ntwo", "```\ncode\n\nmore\n```", "last"]
        );
    }

    #[test]
    fn ordinary_comments_stay_text() {
        let text = "a\n<!-- a note -->\nb\n";
        assert_eq!(
            segments(text),
            vec![Segment::Text("a\n<!-- a note -->\nb")]
        );
    }
}
