//! What lessons 7 and 9 print when this program lacks a privilege: which
//! capability the step needs, and the exact command that grants it, in
//! the course's language.
//!
//! The errors themselves ([`live::Error::NeedsCapNetRaw`],
//! [`lab::Error::NeedsCapNetAdmin`]) keep their English `Display` for the
//! tools and logs; a lesson, which speaks the student's language, words
//! them here. In English the two are the same text (the tests check).
//!
//! Read before: `capture/privileges.rs` (which capabilities a step keeps).

use crate::capture::live;
use crate::transport::lab;

/// The privilege `error` says is missing, in words, or `None` for any
/// other error.
pub fn missing(error: &anyhow::Error) -> Option<String> {
    if let Some(live::Error::NeedsCapNetRaw { program }) = error.downcast_ref()
    {
        return Some(net_raw(program));
    }
    if let Some(lab::Error::NeedsCapNetAdmin { program }) = error.downcast_ref()
    {
        return Some(lab(program));
    }
    None
}

/// No CAP_NET_RAW: the two ways to get it, each command on a line of its
/// own, ready to paste.
pub fn net_raw(program: &str) -> String {
    format!(
        "{}\n{}\n    sudo setcap cap_net_raw=eip {program}\n{}\n    sudo \
         {program} …",
        crate::tr!("needs-net-raw"),
        crate::tr!("needs-net-raw-setcap"),
        crate::tr!("needs-net-raw-root"),
    )
}

/// No right to build the namespace lab: run as root.
pub fn lab(program: &str) -> String {
    crate::tr!("needs-lab", program = program)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::lang::testing::speaking;

    #[test]
    fn in_english_the_notices_are_the_errors_own_words() {
        let program = "/usr/local/bin/netlab lesson 7".to_owned();
        speaking(Lang::En, || {
            let raw = live::Error::NeedsCapNetRaw {
                program: program.clone(),
            };
            assert_eq!(net_raw(&program), raw.to_string());
            let admin = lab::Error::NeedsCapNetAdmin {
                program: program.clone(),
            };
            assert_eq!(lab(&program), admin.to_string());
            assert_eq!(missing(&admin.into()), Some(lab(&program)));
        });
    }

    #[test]
    fn in_chinese_the_commands_stay_whole() {
        let program = "/usr/local/bin/netlab lesson 9";
        speaking(Lang::Zh, || {
            let raw = net_raw(program);
            assert!(raw.contains("能力"), "{raw}");
            assert!(raw.contains(&format!("\n    sudo {program} …")), "{raw}");
            let lab = lab(program);
            assert!(lab.contains(&format!("`sudo {program}`")), "{lab}");
        });
    }
}
