//! What every estimate of memory shares: the limits above which a call is refused
//! (`too_large`), the bytes any call allocates besides its tensors, and the refusal itself. The
//! estimates live with what they estimate: `icl/memory.rs` (training, evaluation, layers),
//! `classify/memory.rs`, `continual/memory.rs`.

use crate::{Error, Result};

/// Bytes of one f64 and one f32.
pub const F64: u64 = 8;
pub const F32: u64 = 4;

/// The browser's limit: estimates are of the bytes allocated, and the wasm heap, which grows and
/// never shrinks, holds its allocator's slack besides, inside wasm32's 4 GiB.
pub const BROWSER_MEMORY_LIMIT: u64 = 2 << 30;

/// Most memory one training step may need before a config is refused up front. The browser
/// build stays well inside wasm32's 4 GiB address space and a typical GPU's memory; the native
/// build only refuses what no workstation could hold.
pub const MEMORY_LIMIT_BYTES: u64 = if cfg!(target_family = "wasm") {
    BROWSER_MEMORY_LIMIT
} else {
    64 << 30
};

/// What any call allocates besides its tensors (buffers, the data stream, bookkeeping).
pub const OVERHEAD_BYTES: u64 = 3 << 20;

/// `bytes` for people: `1.5 GiB`, `320 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    let gib = bytes as f64 / (1u64 << 30) as f64;
    if gib >= 1.0 {
        format!("{gib:.1} GiB")
    } else {
        format!("{:.0} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

/// Refuses a call that would need more than the limit, naming `field` (the number to lower).
pub fn refuse_beyond(bytes: u64, field: &str, what: &str, lower: &str) -> Result<()> {
    if bytes <= MEMORY_LIMIT_BYTES {
        return Ok(());
    }
    Err(Error::TooLarge {
        field: field.to_owned(),
        needed: human_bytes(bytes),
        limit: human_bytes(MEMORY_LIMIT_BYTES),
        detail: format!("{what}; lower {lower}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal names the field and says how much was needed against how much is allowed.
    #[test]
    fn a_refusal_names_the_field_and_the_sizes() {
        assert!(refuse_beyond(MEMORY_LIMIT_BYTES, "prompts", "x", "y").is_ok());
        let err = refuse_beyond(MEMORY_LIMIT_BYTES + 1, "prompts", "why", "prompts")
            .expect_err("one byte too many");
        assert_eq!((err.code(), err.field()), ("too_large", Some("prompts")));
        assert!(err.to_string().contains("lower prompts"), "{err}");
    }
}
