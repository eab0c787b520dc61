//! The two-host namespace lab.
