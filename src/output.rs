//! Files written whole or not at all: the content goes to a temporary file in the target's
//! folder, renamed into place when complete (`NamedTempFile::persist`), so a failed or
//! killed run never leaves half a file.

use std::path::Path;

/// A temporary file in `dir` for an atomic write, readable like any other file the user
/// writes (tempfile's own default is owner-only, 0600).
pub fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}
