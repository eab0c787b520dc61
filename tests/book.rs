//! The book's includes must resolve to real, non-empty code.
//!
//! mdBook renders an empty block, silently, when an `{{#include
//! FILE:ANCHOR}}` names an anchor that does not exist (a renamed function,
//! a deleted `// ANCHOR:` line). This test reads every chapter, resolves
//! every include the way mdBook does (relative to the chapter's file), and
//! fails with the chapter and line when one is missing or empty.

use std::fs;
use std::path::{Path, PathBuf};

/// One `{{#include …}}` found in a chapter.
struct Include {
    chapter: PathBuf,
    line: usize,
    file: PathBuf,
    anchor: Option<String>,
}

fn includes() -> Vec<Include> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("book/src");
    let mut found = Vec::new();
    let mut chapters: Vec<PathBuf> = fs::read_dir(&src)
        .expect("book/src exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    chapters.sort();
    for chapter in chapters {
        let text = fs::read_to_string(&chapter).expect("chapter is readable");
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(start) = rest.find("{{#include ") {
                let after = &rest[start + "{{#include ".len()..];
                let Some(end) = after.find("}}") else { break };
                let target = after[..end].trim();
                let (file, anchor) = match target.split_once(':') {
                    Some((f, a)) => (f, Some(a.to_string())),
                    None => (target, None),
                };
                found.push(Include {
                    chapter: chapter.clone(),
                    line: i + 1,
                    file: src.join(file),
                    anchor,
                });
                rest = &after[end..];
            }
        }
    }
    found
}

/// The text between `ANCHOR: name` and `ANCHOR_END: name`, without the
/// marker lines themselves (and without other anchors' markers).
fn anchored(text: &str, name: &str) -> Option<String> {
    let mut inside = false;
    let mut body = Vec::new();
    for line in text.lines() {
        let marker = line.trim_start();
        if marker.ends_with(&format!("ANCHOR: {name}")) {
            inside = true;
            continue;
        }
        if marker.ends_with(&format!("ANCHOR_END: {name}")) {
            return Some(body.join("\n"));
        }
        if inside && !marker.contains("ANCHOR") {
            body.push(line);
        }
    }
    None
}

#[test]
fn every_include_resolves_to_nonempty_text() {
    let all = includes();
    assert!(
        all.len() > 10,
        "the book includes code: found {}",
        all.len()
    );
    let mut problems = Vec::new();
    for inc in &all {
        let at = format!("{}:{}", inc.chapter.display(), inc.line);
        let Ok(text) = fs::read_to_string(&inc.file) else {
            problems
                .push(format!("{at}: {} does not exist", inc.file.display()));
            continue;
        };
        let body = match &inc.anchor {
            // A line range (`:10:20`) or a number is not an anchor name.
            Some(a) if a.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                Some(text.clone())
            }
            Some(a) => anchored(&text, a),
            None => Some(text.clone()),
        };
        match body {
            None => problems.push(format!(
                "{at}: anchor `{}` not found in {}",
                inc.anchor.as_deref().unwrap_or(""),
                inc.file.display()
            )),
            Some(b) if b.trim().is_empty() => problems
                .push(format!("{at}: {} includes nothing", inc.file.display())),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "broken includes:\n{}",
        problems.join("\n")
    );
}

#[test]
fn anchors_are_found_and_trimmed() {
    let text = "a\n// ANCHOR: x\nbody\n// ANCHOR: y\ninner\n// ANCHOR_END: y\n\
                // ANCHOR_END: x\n";
    assert_eq!(anchored(text, "x").as_deref(), Some("body\ninner"));
    assert_eq!(anchored(text, "y").as_deref(), Some("inner"));
    assert_eq!(anchored(text, "z"), None);
}

#[test]
fn every_chapter_is_in_the_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let summary =
        fs::read_to_string(root.join("SUMMARY.md")).expect("SUMMARY.md");
    for entry in fs::read_dir(&root).expect("book/src") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not linked from SUMMARY.md"
            );
        }
    }
}
