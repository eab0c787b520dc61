//! The ten lessons, in the order of the article's ten sections.
//!
//! Each entry names the article's own heading, what the live demo shows,
//! what privilege it needs, and whether it is built yet. A lesson's
//! narration is embedded at build time from `lessons/NN-slug.md`, the same
//! file the book includes, so the text exists exactly once.

use crate::lang::Lang;

use super::{Demo, lesson03, lesson06, lesson07, lesson08, lesson09, lesson10};

/// What a lesson's demo needs beyond an ordinary user account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: runs as any user.
    Nothing,
    /// Raw packet capture (`CAP_NET_RAW`).
    NetRaw,
    /// The namespace lab and a capture: creating and entering network
    /// namespaces (`CAP_SYS_ADMIN`), their interfaces and firewall rules
    /// (`CAP_NET_ADMIN`), and capturing the handshake (`CAP_NET_RAW`).
    /// That is three capabilities, one of them the broadest there is, so
    /// the remedy is plainly root.
    Lab,
}

impl Needs {
    /// How the lessons table shows it.
    pub fn label(self) -> &'static str {
        match self {
            Needs::Nothing => "-",
            Needs::NetRaw => "CAP_NET_RAW",
            Needs::Lab => "root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW)",
        }
    }
}

/// One lesson of the course.
pub struct Lesson {
    /// 1 to 10, the article's section number.
    pub number: u8,
    /// A short name usable instead of the number: `netlab lesson socket`.
    pub slug: &'static str,
    /// The English title.
    pub title: &'static str,
    /// The article's own heading.
    pub article: &'static str,
    /// What the live demo shows.
    pub demo: &'static str,
    /// Privilege the demo needs.
    pub needs: Needs,
    /// The narration, when the lesson is built.
    pub narration: Option<&'static str>,
    /// Makes the lesson's demo, when the lesson is built.
    pub make_demo: Option<fn() -> Box<dyn Demo>>,
}

impl Lesson {
    /// Built lessons have both narration and a demo.
    pub fn is_built(&self) -> bool {
        self.narration.is_some() && self.make_demo.is_some()
    }

    /// The narration in `lang`; English where the Chinese file is not
    /// written yet.
    pub fn narration_in(&self, lang: Lang) -> Option<&'static str> {
        match lang {
            Lang::Zh => super::zh::narration(self.number).or(self.narration),
            Lang::En => self.narration,
        }
    }

    /// The title in `lang`: in Chinese, the article's own heading.
    pub fn title_in(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.article,
            Lang::En => self.title,
        }
    }
}

/// The course, in the article's order.
pub static LESSONS: [Lesson; 10] = [
    Lesson {
        number: 1,
        slug: "im",
        title: "What instant messaging is",
        article: "即时通讯技术简介",
        demo: "an XMPP server and two clients; a message pushed the moment \
               it is sent over a long-lived connection",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/01-im.md")),
        make_demo: Some(super::lesson01::demo),
    },
    Lesson {
        number: 2,
        slug: "why-xmpp",
        title: "Why Jabber/XMPP was born",
        article: "XMPP诞生的由来",
        demo: "interoperability: our client and raw XML typed over a socket \
               talk through one server",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/02-why-xmpp.md")),
        make_demo: Some(super::lesson02::demo),
    },
    Lesson {
        number: 3,
        slug: "traits",
        title: "XMPP's traits",
        article: "XMPP特点",
        demo: "a stanza parsed and annotated; JIDs taken apart; push vs poll",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/03-traits.md")),
        make_demo: Some(lesson03::demo),
    },
    Lesson {
        number: 4,
        slug: "structure",
        title: "Client, server, gateway",
        article: "XMPP的基本结构",
        demo: "a server, its clients and an IRC gateway component \
               (XEP-0114) live: who routes what; the server's records and \
               connections",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/04-structure.md")),
        make_demo: Some(super::lesson04::demo),
    },
    Lesson {
        number: 5,
        slug: "how-it-works",
        title: "How XMPP works, step by step",
        article: "XMPP工作原理",
        demo: "connect, STARTTLS, SASL, bind, server-to-server, exchange — \
               each on the wire",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/05-how-it-works.md")),
        make_demo: Some(super::lesson05::demo),
    },
    Lesson {
        number: 6,
        slug: "pros-cons",
        title: "XMPP's pros and cons, measured",
        article: "XMPP的优缺点",
        demo: "XML bytes per message vs payload; base64's cost; a custom \
               namespace passing untouched",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/06-pros-cons.md")),
        make_demo: Some(lesson06::demo),
    },
    Lesson {
        number: 7,
        slug: "osi",
        title: "The OSI model",
        article: "OSI七层模型",
        demo: "a live packet dissected layer by layer; a router and a \
               switch at work in a namespace lab",
        needs: Needs::Lab,
        narration: Some(include_str!("../../lessons/07-osi.md")),
        make_demo: Some(lesson07::demo),
    },
    Lesson {
        number: 8,
        slug: "addresses",
        title: "IP addresses, ports, transport protocols",
        article: "IP地址、端口号、传输协议",
        demo: "interfaces, loopback, localhost, port classes, the ephemeral \
               range, real bind/connect errors",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/08-addresses.md")),
        make_demo: Some(lesson08::demo),
    },
    Lesson {
        number: 9,
        slug: "tcp-udp",
        title: "TCP and UDP compared",
        article: "TCP和UDP的区别",
        demo: "handshake ladder, loss in a namespace lab, message \
               boundaries, size limits, timings",
        needs: Needs::Lab,
        narration: Some(include_str!("../../lessons/09-tcp-udp.md")),
        make_demo: Some(lesson09::demo),
    },
    Lesson {
        number: 10,
        slug: "socket",
        title: "The socket mechanism",
        article: "Socket机制",
        demo: "socket, bind, listen, connect, accept call by call, states \
               read from the kernel; a thread per connection; UDP",
        needs: Needs::Nothing,
        narration: Some(include_str!("../../lessons/10-socket.md")),
        make_demo: Some(lesson10::demo),
    },
];

/// Finds a lesson by number (`10`) or slug (`socket`).
pub fn find(key: &str) -> Option<&'static Lesson> {
    let key = key.trim().to_ascii_lowercase();
    LESSONS
        .iter()
        .find(|l| l.number.to_string() == key || l.slug == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::narration;

    #[test]
    fn lessons_follow_the_article_order() {
        for (i, lesson) in LESSONS.iter().enumerate() {
            assert_eq!(usize::from(lesson.number), i + 1);
        }
    }

    #[test]
    fn finds_by_number_and_slug() {
        assert_eq!(find("10").map(|l| l.number), Some(10));
        assert_eq!(find("socket").map(|l| l.number), Some(10));
        assert_eq!(find(" Addresses ").map(|l| l.number), Some(8));
        assert!(find("11").is_none());
        assert!(find("0").is_none());
    }

    #[test]
    fn slugs_are_unique_and_not_numbers() {
        for (i, a) in LESSONS.iter().enumerate() {
            assert!(a.slug.parse::<u32>().is_err());
            for b in &LESSONS[i + 1..] {
                assert_ne!(a.slug, b.slug);
            }
        }
    }

    #[test]
    fn every_marker_names_a_step_of_its_demo_and_every_step_is_used() {
        for lesson in LESSONS.iter().filter(|l| l.is_built()) {
            let text = lesson.narration.expect("built");
            let demo = (lesson.make_demo.expect("built"))();
            let used = narration::demo_steps(text);
            for step in &used {
                assert!(
                    demo.steps().contains(&step.as_str()),
                    "lesson {} names unknown step {step}",
                    lesson.number
                );
            }
            for step in demo.steps() {
                assert!(
                    used.iter().any(|u| u == step),
                    "lesson {} never runs step {step}",
                    lesson.number
                );
            }
        }
    }

    #[test]
    fn bold_never_spans_lines() {
        // The terminal renderer works line by line (show::markdown), so
        // `**` must open and close on the same line.
        for lesson in LESSONS.iter().filter(|l| l.is_built()) {
            for (i, line) in lesson.narration.unwrap_or("").lines().enumerate()
            {
                assert!(
                    line.matches("**").count() % 2 == 0,
                    "lessons file of lesson {}, line {}: {line}",
                    lesson.number,
                    i + 1
                );
            }
        }
    }

    #[test]
    fn built_lessons_end_with_key_points_and_exercises() {
        for lesson in LESSONS.iter().filter(|l| l.is_built()) {
            let text = lesson.narration.expect("built");
            assert!(text.contains("\n## Key points\n"), "{}", lesson.number);
            assert!(text.contains("\n## Exercises\n"), "{}", lesson.number);
        }
    }
}
