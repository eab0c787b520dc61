//! TCP and UDP measured side by side.
