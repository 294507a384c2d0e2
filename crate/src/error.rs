//! The one error type of the crate. Every fallible path ends here, and every variant has a
//! stable `code` that JavaScript callers can switch on (see `web/src/errors.ts`).

use serde::Serialize;

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in iclab, from bad user input to a lost GPU.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value is missing, of the wrong type or out of range.
    #[error("invalid config `{field}`: {reason}")]
    InvalidConfig { field: String, reason: String },

    /// A checkpoint file is truncated, corrupted, of another format or does not fit its config.
    #[error("invalid checkpoint: {reason}")]
    InvalidCheckpoint { reason: String },

    /// The requested compute device could not be opened.
    #[error("device unavailable: {reason}")]
    DeviceUnavailable { reason: String },

    /// The GPU device went away mid-run (driver reset, GPU process crash, tab backgrounded on
    /// some platforms). Whatever lived on it is gone; JS `session.recover()` continues on the
    /// CPU from the last snapshot.
    #[error("the GPU device was lost ({reason}); what was on it is gone, continue on the CPU")]
    DeviceLost { reason: String },

    /// The backend failed while running or reading back a computation.
    #[error("backend error: {reason}")]
    Backend { reason: String },

    /// Training produced a non-finite loss (or the model non-finite outputs); the session
    /// stops rather than plot garbage.
    #[error(
        "training diverged at step {step}: {what} became {value}; lower the learning rate or reset"
    )]
    Diverged {
        step: u32,
        /// What went non-finite: "the loss", "the model's predictions", …
        what: &'static str,
        value: f64,
    },

    /// A config whose training would not fit in memory, refused before anything is built.
    #[error(
        "invalid config `{field}`: training it would need about {needed}, more than the {limit} allowed here ({detail})"
    )]
    TooLarge {
        field: String,
        needed: String,
        limit: String,
        detail: String,
    },

    /// A session id that does not exist (never created, or already disposed).
    #[error("no session with id {id}: it was disposed or never created")]
    UnknownSession { id: u32 },

    /// A session was asked to do two things at once.
    #[error("session {id} is busy with another call; await it first")]
    Busy { id: u32 },

    /// The caller cancelled the call (its `AbortSignal` fired) before it finished; what it had
    /// done stays done (a training call keeps the steps it ran).
    #[error("the call was aborted by its caller")]
    Aborted,
}

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidConfig {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error for a nested config: `classes` inside `dataset` becomes `dataset.classes`.
    pub fn within(self, parent: &str) -> Self {
        match self {
            Self::InvalidConfig { field, reason } => Self::InvalidConfig {
                field: format!("{parent}.{field}"),
                reason,
            },
            Self::TooLarge {
                field,
                needed,
                limit,
                detail,
            } => Self::TooLarge {
                field: format!("{parent}.{field}"),
                needed,
                limit,
                detail,
            },
            other => other,
        }
    }

    /// Shorthand for [`Error::InvalidCheckpoint`].
    pub fn checkpoint(reason: impl Into<String>) -> Self {
        Self::InvalidCheckpoint {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Backend`].
    pub fn backend(reason: impl Into<String>) -> Self {
        Self::Backend {
            reason: reason.into(),
        }
    }

    /// Stable machine-readable code; JS sees it as `IclabError.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidConfig { .. } => "invalid_config",
            Self::InvalidCheckpoint { .. } => "invalid_checkpoint",
            Self::DeviceUnavailable { .. } => "device_unavailable",
            Self::DeviceLost { .. } => "device_lost",
            Self::Backend { .. } => "backend",
            Self::Diverged { .. } => "diverged",
            Self::TooLarge { .. } => "too_large",
            Self::UnknownSession { .. } => "unknown_session",
            Self::Busy { .. } => "busy",
            Self::Aborted => "aborted",
        }
    }

    /// The config field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidConfig { field, .. } | Self::TooLarge { field, .. } => Some(field),
            Self::InvalidCheckpoint { .. } => Some("checkpoint"),
            _ => None,
        }
    }

    /// Plain-data form for the JS boundary and for `--json` output.
    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            field: self.field().map(str::to_owned),
            message: self.to_string(),
        }
    }
}

/// What crosses the JS boundary and what the CLI prints for a failure.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorPayload {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

/// Deserializes `T` and turns serde's message into an [`Error::InvalidConfig`] that names the
/// offending field by its full path (e.g. `model.layers`), whatever the deserializer.
pub fn deserialize_config<'de, T, D>(deserializer: D) -> Result<T>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let reason = shorten_quoted(&err.into_inner().to_string());
        // serde_path_to_error puts an unknown key at the end of the path already; only the
        // root needs a name of its own.
        // (A top-level array reports its first element's index: the config itself is wrong.)
        let field = if path == "." || path.starts_with('[') {
            "config".to_owned()
        } else {
            path
        };
        Error::invalid(shown(&field), reason)
    })
}

/// Longest piece of a caller's text an error message repeats.
const SHOWN_CHARS: usize = 48;

/// A caller's text as an error message repeats it: at most [`SHOWN_CHARS`] characters, then `…`,
/// so a 100 kB string sent by mistake does not come back as a 100 kB message.
pub fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `reason` with every backtick-quoted piece (how serde quotes the value it refused) [`shown`].
fn shorten_quoted(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len().min(512));
    for (i, piece) in reason.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        out.push_str(&if i % 2 == 1 {
            shown(piece)
        } else {
            piece.to_owned()
        });
    }
    out
}

/// A model taken out for an optimizer step that never came back (the step was interrupted).
pub(crate) fn lost_model() -> Error {
    Error::Backend {
        reason: "the model was lost by an interrupted step; reset the session".into(),
    }
}
