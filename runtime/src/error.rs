//! The one error type of the runtime: what went wrong, in words that name the file, the register
//! or the call that said so.

use std::fmt;

/// What kind of failure an [`Error`] is, for callers that react to some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An operating-system call failed (a file, a device, a mapping).
    Io,
    /// A DMA channel's status register reported an error bit.
    Dma,
    /// A transfer or a run did not complete in time.
    Timeout,
    /// A transfer completed with fewer (or more) bytes than expected.
    Length,
    /// The hardware does not match the generated driver (`.hwh`, widths, register map).
    Hardware,
    /// A bitstream file that cannot be used.
    Bitstream,
    /// XRT is missing, or an XRT call failed.
    Xrt,
    /// The device is held by another driver.
    Busy,
    /// The arguments of a call are wrong (batch sizes, lengths).
    Argument,
    /// The backend is not available in this build or on this machine.
    Unavailable,
    /// A model description that cannot be used.
    Model,
}

/// A runtime error: its kind and a message that says what said so.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<std::io::Error>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An operating-system error while doing `what` (for example "opening /dev/mem").
    pub fn io(what: impl fmt::Display, source: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            message: format!("{what}: {source}"),
            source: Some(source),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `context` in front of its message ("opening the DMA: …").
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// `Result<T, Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
