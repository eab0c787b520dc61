//! Live capture of frames from a network interface.
