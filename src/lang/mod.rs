//! Which language the course speaks: English, or Simplified Chinese for
//! the readers of the article the course follows.
//!
//! `--lang en|zh` decides; without it, the locale does, the way every
//! POSIX program reads it (POSIX.1-2017, Base Definitions § 8.2): the
//! first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty
//! names the language of messages, and `zh_CN.UTF-8`, `zh_TW.UTF-8` or
//! plain `zh` mean Chinese. Anything else, or nothing, is English.
//!
//! The choice is made once, at start-up ([`set`]), and read where text is
//! chosen ([`current`]): the lessons' narration (`lessons/zh/`), and the
//! sentences the code composes, which come from the message catalogue
//! ([`catalogue`], `locales/`). Protocol tokens (SYN,
//! `<message/>`, EADDRINUSE) and command lines are the same in both.
//!
//! Read next: `course/registry.rs` (which narration a lesson plays).

pub mod catalogue;

use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};

/// A language of the course.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// The language the locale asks for, reading variables through `var`
    /// (so tests need not change the process's environment).
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let chosen = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(&var)
            .find(|value| !value.is_empty());
        match chosen {
            Some(locale) if locale == "zh" || locale.starts_with("zh_") => {
                Lang::Zh
            }
            _ => Lang::En,
        }
    }

    /// The language this process's locale asks for.
    pub fn from_env() -> Lang {
        Lang::from_locale(|name| std::env::var(name).ok())
    }

    /// `en` or `zh`, as `--lang` takes it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "zh" | "zh-CN" | "zh_CN" => Ok(Lang::Zh),
            other => Err(format!(
                "`{other}` is not a language of the course: use en or zh"
            )),
        }
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Chooses the language for the rest of the run.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language chosen with [`set`]; English until then.
pub fn current() -> Lang {
    #[cfg(test)]
    if let Some(lang) = testing::OVERRIDE.get() {
        return lang;
    }
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// Unit tests render in a language without [`set`]: the tests of one
/// binary run side by side in threads, and a process-wide Chinese would
/// reach the tests that check English.
#[cfg(test)]
pub(crate) mod testing {
    use std::cell::Cell;

    use super::Lang;

    thread_local! {
        pub(super) static OVERRIDE: Cell<Option<Lang>> = const { Cell::new(None) };
    }

    /// Runs `f` with [`super::current`] answering `lang` on this thread.
    pub(crate) fn speaking<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
        let before = OVERRIDE.replace(Some(lang));
        let result = f();
        OVERRIDE.set(before);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(vars: &[(&str, &str)]) -> Lang {
        Lang::from_locale(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_first_set_locale_variable_decides() {
        assert_eq!(locale(&[]), Lang::En);
        assert_eq!(locale(&[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "zh_TW.UTF-8")]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "zh")]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "en_US.UTF-8")]), Lang::En);
        // LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
        assert_eq!(
            locale(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            locale(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_CN.UTF-8")]),
            Lang::Zh
        );
        // "zhx" is not Chinese.
        assert_eq!(locale(&[("LANG", "zhx")]), Lang::En);
    }

    #[test]
    fn lang_parses_what_lang_prints() {
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(lang.code().parse::<Lang>(), Ok(lang));
        }
        assert!("fr".parse::<Lang>().is_err());
    }
}
