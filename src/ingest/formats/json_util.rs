//! Shared helpers for the JSON formats.
