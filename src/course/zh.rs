//! The Chinese edition's narration (`lessons/zh/NN-slug.md`), one file
//! beside each English one, embedded like them.
//!
//! A Chinese file has the English file's structure exactly: the same live
//! steps (`<!-- demo: … -->` markers) in the same order, the same `## `
//! sections, the same number of key points (`## 要点`) and exercises
//! (`## 练习`), so the same demo runs in both and `--answers` answers the
//! same questions. The tests below fail when the two drift apart.
//!
//! Read before: `lang.rs` (how the language is chosen). Read next:
//! `registry.rs` ([`super::registry::Lesson::narration_in`]).

/// The Chinese narration of lesson `number`, if it has been written.
pub fn narration(number: u8) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, text)| *text)
}

/// The files written so far, by lesson number.
const FILES: &[(u8, &str)] = &[
    (1, include_str!("../../lessons/zh/01-im.md")),
    (2, include_str!("../../lessons/zh/02-why-xmpp.md")),
    (3, include_str!("../../lessons/zh/03-traits.md")),
    (4, include_str!("../../lessons/zh/04-structure.md")),
    (5, include_str!("../../lessons/zh/05-how-it-works.md")),
    (6, include_str!("../../lessons/zh/06-pros-cons.md")),
    (7, include_str!("../../lessons/zh/07-osi.md")),
    (8, include_str!("../../lessons/zh/08-addresses.md")),
    (9, include_str!("../../lessons/zh/09-tcp-udp.md")),
    (10, include_str!("../../lessons/zh/10-socket.md")),
];

/// What lesson `number`'s live demo shows, in Chinese (the registry's
/// `demo`, for `netlab lessons`).
pub fn demo(number: u8) -> Option<&'static str> {
    Some(match number {
        1 => "一个 XMPP 服务器和两个客户端；消息一发出，就经由长连接推送给对方",
        2 => "互操作：我们的客户端和在套接字上手敲的 XML 经由同一个服务器对话",
        3 => "解析并注释一个节；拆开 JID；推送与轮询",
        4 => {
            "服务器、它的客户端和一个 IRC 网关组件（XEP-0114）现场运行：\
              谁转发什么；服务器保存的记录和连接"
        }
        5 => {
            "连接、STARTTLS、SASL、绑定资源、服务器到服务器、交换消息——\
              每一步都在线路上看到"
        }
        6 => {
            "每条消息的 XML 字节数与有效数据；base64 的代价；\
              自定义名字空间原样通过"
        }
        7 => "逐层解析一个现场分组；路由器和交换机在命名空间实验室里工作",
        8 => {
            "接口、环回、localhost、端口类别、短暂端口范围、\
              真实的 bind/connect 错误"
        }
        9 => {
            "握手时序图、命名空间实验室里的丢包、消息边界、大小限制、\
              计时；TCP 的确认不等于应用的确认"
        }
        10 => {
            "逐个调用 socket、bind、listen、connect、accept，\
               从内核读出状态；每个连接一个线程；UDP"
        }
        _ => return None,
    })
}

/// The headings that code looks for, in each language.
pub const KEY_POINTS: [&str; 2] = ["## Key points", "## 要点"];
/// See [`KEY_POINTS`].
pub const EXERCISES: [&str; 2] = ["## Exercises", "## 练习"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::narration::demo_steps;
    use crate::course::player::exercises;
    use crate::course::registry::LESSONS;

    /// Lines under `heading` up to the next `## ` that `item` accepts.
    fn items(text: &str, heading: &[&str], item: fn(&str) -> bool) -> usize {
        let mut inside = false;
        let mut count = 0;
        for line in text.lines() {
            if line.starts_with("## ") {
                inside = heading.contains(&line.trim());
                continue;
            }
            if inside && item(line) {
                count += 1;
            }
        }
        count
    }

    #[test]
    fn every_chinese_file_has_its_english_files_structure() {
        for lesson in LESSONS.iter().filter(|l| l.is_built()) {
            let Some(zh) = narration(lesson.number) else {
                continue;
            };
            let en = lesson.narration.expect("built");
            let n = lesson.number;
            assert!(
                zh.starts_with(&format!("# 第 {n} 课 · ")),
                "lesson {n}: the title is `# 第 {n} 课 · …`"
            );
            assert_eq!(demo_steps(zh), demo_steps(en), "lesson {n}: markers");
            let sections =
                |t: &str| t.lines().filter(|l| l.starts_with("## ")).count();
            assert_eq!(sections(zh), sections(en), "lesson {n}: ## sections");
            assert_eq!(
                exercises(zh).len(),
                exercises(en).len(),
                "lesson {n}: exercises"
            );
            let bullet = |l: &str| l.starts_with("- ");
            assert_eq!(
                items(zh, &KEY_POINTS, bullet),
                items(en, &KEY_POINTS, bullet),
                "lesson {n}: key points"
            );
            for heading in [KEY_POINTS[1], EXERCISES[1]] {
                assert!(
                    zh.contains(&format!("\n{heading}\n")),
                    "lesson {n}: no {heading}"
                );
            }
            // The renderer works line by line: bold opens and closes on
            // one line.
            for (i, line) in zh.lines().enumerate() {
                assert!(
                    line.matches("**").count() % 2 == 0,
                    "lesson {n}, line {}: {line}",
                    i + 1
                );
            }
        }
    }
}
