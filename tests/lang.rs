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

/// The part of a lesson's output after the answers' heading.
fn answers_part(out: &str) -> &str {
    let (_, answers) = out
        .split_once("解答（用这次运行的数字）")
        .unwrap_or_else(|| panic!("no answers heading in {out}"));
    // Past the heading's underline.
    answers.trim_start_matches(['\n', '─'])
}

/// Each worked answer is a paragraph of the catalogue's Chinese, quoting
/// this run's numbers; no English sentence is left among them.
#[test]
fn worked_answers_are_chinese_and_quote_the_run() {
    let cjk = |text: &str| {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    };
    let out = netlab(
        &["lesson", "10", "--lang", "zh", "--answers"],
        &[("COLUMNS", "80")],
    );
    let answers = answers_part(&out);
    // The port `bind()` got, as the `bind` step printed it above.
    let port: String = answers
        .split_once("你的监听套接字拿到了端口 ")
        .map(|(_, rest)| {
            rest.chars().take_while(char::is_ascii_digit).collect()
        })
        .unwrap_or_else(|| panic!("no port in {answers}"));
    assert!(!port.is_empty(), "{answers}");
    assert!(out[..out.len() - answers.len()].contains(&port), "{out}");
    for paragraph in answers.split("\n\n").filter(|p| !p.trim().is_empty()) {
        assert!(cjk(paragraph), "not Chinese: {paragraph}");
    }
    for english in [
        "Your listener",
        "After `connect`",
        "While both run",
        "UDP has no",
        "Its step did not run",
    ] {
        assert!(!answers.contains(english), "{english} in {answers}");
    }

    let out = netlab(
        &["lesson", "8", "--lang", "zh", "--answers"],
        &[("COLUMNS", "80")],
    );
    let answers = answers_part(&out);
    // The ephemeral range, as this machine's kernel has it.
    let range =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
            .expect("Linux has the ephemeral range");
    for number in range.split_whitespace() {
        assert!(answers.contains(number), "{number} not in {answers}");
    }
    assert!(answers.contains("个端口"), "{answers}");
    for english in ["On this machine", "Yes: ", "No: ", "Your range", "You ran"]
    {
        assert!(!answers.contains(english), "{english} in {answers}");
    }
}

/// The sentences lesson 8's `errors` step composes in code come from the
/// message catalogue (`locales/`), so they follow the language too.
#[test]
fn composed_sentences_follow_the_language() {
    let zh = netlab(&["lesson", "8", "--lang", "zh"], &[("COLUMNS", "80")]);
    assert!(zh.contains("      情形：127.0.0.1:"), "{zh}");
    assert!(zh.contains("原因：") && zh.contains("解决："), "{zh}");
    // Names and the system's own message stay as the C library has them.
    assert!(
        zh.contains("ECONNREFUSED (111, Connection refused)"),
        "{zh}"
    );
    for english in ["when: ", "why: ", "fix: ", "(allowed)"] {
        assert!(!zh.contains(english), "{english} in {zh}");
    }
    let en = netlab(&["lesson", "8"], &[("COLUMNS", "80")]);
    assert!(en.contains("      when: 127.0.0.1:"), "{en}");
    // Lesson 1's demo: its sentences, the kernel's label and the table's
    // owners.
    let zh = netlab(&["lesson", "1", "--lang", "zh"], &[("COLUMNS", "80")]);
    for chinese in [
        "在本进程中监听",
        "内核：/proc/net/tcp",
        "服务器的监听套接字",
    ] {
        assert!(zh.contains(chinese), "{chinese} not in {zh}");
    }
    for english in ["listening on", "kernel:", "the server's trace"] {
        assert!(!zh.contains(english), "{english} in {zh}");
    }
}

/// Lessons 3 and 4 compose their demos' sentences, column names and
/// labels from the catalogue too; the XML, JIDs and IRC lines they show
/// stay as the wire has them.
#[test]
fn lessons_3_and_4_compose_in_chinese() {
    let columns = [("COLUMNS", "80")];
    let zh = netlab(&["lesson", "3", "--lang", "zh"], &columns);
    for chinese in [
        "服务器只改了一处：加上了 from=",
        "本地部分是空的：在 '@localhost' 里",
        "│ XMPP 推送",
        "base64 解码后：n,,n=alice,r=",
    ] {
        assert!(zh.contains(chinese), "{chinese} not in {zh}");
    }
    for english in ["the server read from", "Not JIDs", "poll every", "bytes)"]
    {
        assert!(!zh.contains(english), "{english} in {zh}");
    }
    let zh = netlab(&["lesson", "4", "--lang", "zh"], &columns);
    for chinese in [
        "服务器这端，连着 alice/laptop",
        "服务器 → bob/phone",
        "(alice/laptop) 流错误 conflict",
        "3 条客户端连接各携带了 4 个流首部。",
    ] {
        assert!(zh.contains(chinese), "{chinese} not in {zh}");
    }
    for english in ["'s client", "server →", "the server's trace", "kernel:"]
    {
        assert!(!zh.contains(english), "{english} in {zh}");
    }
}

/// A tool's error, explained in the language asked for.
#[test]
fn a_tools_error_is_explained_in_chinese() {
    // A port the kernel just gave us and took back: nothing listens.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = holder.local_addr().expect("addr").port();
    drop(holder);
    let out = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args(["socket", "connect", &format!("127.0.0.1:{port}")])
        .args(["--lang", "zh"])
        .env("NO_COLOR", "1")
        .output()
        .expect("netlab runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.starts_with("错误："), "{err}");
    assert!(err.contains("没有程序在监听"), "{err}");
    assert!(err.contains("解决：先启动服务器"), "{err}");
}

/// `netlab glossary` in Chinese: the Chinese term first, the labels and
/// the meaning in Chinese, found by its English name or its Chinese term.
#[test]
fn the_glossary_speaks_chinese() {
    let columns = [("COLUMNS", "80")];
    for asked in ["stanza", "节"] {
        let zh = netlab(&["glossary", asked, "--lang", "zh"], &columns);
        let lines: Vec<&str> = zh.lines().collect();
        assert_eq!(lines[0], "节 · stanza · 第 3 课", "{asked}: {zh}");
        assert_eq!(lines[1], "    又称：stanzas, XML stanza", "{asked}: {zh}");
        assert!(lines[2].starts_with("    流中一条完整的 XMPP 消息"), "{zh}");
    }
    // The locale chooses too, and `--lang en` keeps the English entry.
    let zh = netlab(&["glossary", "roster"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(zh.starts_with("名册 · roster · 第 4 课\n"), "{zh}");
    let en = netlab(&["glossary", "节", "--lang", "en"], &columns);
    assert!(en.starts_with("stanza · 节 · lesson 3\n"), "{en}");
}

/// Every line of the whole Chinese glossary fits 80 columns, a Chinese
/// character counting two, and the headings are the Chinese chapter's.
#[test]
fn the_chinese_glossary_fits_80_columns() {
    let zh = netlab(&["glossary", "--lang", "zh"], &[("COLUMNS", "80")]);
    for line in zh.lines() {
        let width = netlab::show::width::of(line);
        assert!(width <= 80, "{width} columns: {line}");
    }
    assert!(
        zh.starts_with("网络\n────\n协议 · protocol · 第 1 课\n"),
        "{zh}"
    );
    assert!(zh.contains("\nXMPP 与即时通讯\n"), "{zh}");
    assert!(zh.contains("共 112 个术语。"), "{zh}");
    for english in ["also: ", "· lesson ", "Networks", " terms."] {
        assert!(!zh.contains(english), "{english} in the Chinese glossary");
    }
}

/// `netlab compare` (loopback only) words its table in the course's
/// language; `--json` is for programs and keeps its English words.
#[test]
fn the_comparison_table_speaks_chinese_and_its_json_does_not() {
    let quick = ["compare", "--count", "50", "--lang", "zh"];
    let table = netlab(&quick, &[("COLUMNS", "80")]);
    for said in ["测量项目", "建立连接", "中位数", "字节流"] {
        assert!(table.contains(said), "{said}: {table}");
    }
    for english in ["measured", "median", "connection set-up"] {
        assert!(!table.contains(english), "{english}: {table}");
    }
    let json = netlab(&[&quick[..], &["--json"]].concat(), &[]);
    assert!(json.contains("\"what\": \"connection set-up\""), "{json}");
    assert!(!json.contains("建立连接"), "{json}");
}

/// `netlab dissect` says what is wrong with a frame in Chinese, down to
/// the rule a malformed header breaks (issue 14); its JSON, for programs,
/// is the same whatever the language.
#[test]
fn dissect_speaks_chinese_and_its_json_stays_english() {
    let frames =
        concat!(env!("CARGO_MANIFEST_DIR"), "/book/src/frames/damaged.hex");
    let summary = |lang| {
        netlab(
            &["dissect", "--hex", "--summary", "--lang", lang, frames],
            &[],
        )
    };
    let zh = summary("zh");
    assert!(
        zh.contains(
            "（格式错误：IPv4 首部长度 16 小于最小值 20（RFC 791 § 3.1））"
        ),
        "{zh}"
    );
    assert!(
        zh.contains("（不完整：IPv4 被截断了：需要 187 字节"),
        "{zh}"
    );
    let en = summary("en");
    assert!(
        en.contains(
            " (malformed: IPv4 header length 16 is below the minimum of 20 \
             (RFC 791 § 3.1))"
        ),
        "{en}"
    );
    let json = |lang| {
        netlab(&["dissect", "--hex", "--json", "--lang", lang, frames], &[])
    };
    let english = json("en");
    assert_eq!(json("zh"), english);
    assert!(
        english.contains(
            r#""rule":"header length 16 is below the minimum of 20""#
        ),
        "{english}"
    );
}
