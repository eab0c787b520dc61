//! The course's language: `--lang`, else the locale (`src/lang.rs`).
//!
//! Run: `cargo test --test lang`.

use std::process::Command;

fn netlab(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netlab"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("netlab runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn the_locale_chooses_chinese_and_lang_overrides_it() {
    let zh = netlab(&["lesson", "10"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(zh.starts_with("第 10 课 · Socket机制"), "{zh}");
    assert!(zh.contains("## 要点") || zh.contains("要点\n"), "{zh}");
    assert!(zh.contains("┄┄ 现场演示：socket ┄┄"), "{zh}");
    let en = netlab(&["lesson", "10", "--lang", "en"], &[("LANG", "zh_CN")]);
    assert!(en.starts_with("Lesson 10 · "), "{en}");
    let plain = netlab(&["lesson", "10"], &[]);
    assert!(plain.starts_with("Lesson 10 · "), "{plain}");
}

#[test]
fn worked_answers_quote_the_chinese_exercises() {
    let zh = netlab(&["lesson", "10", "--lang", "zh", "--answers"], &[]);
    assert!(zh.contains("解答（用这次运行的数字）"), "{zh}");
    assert!(zh.contains("练习 1."), "{zh}");
}
