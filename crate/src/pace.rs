//! Long calls give way between chunks of their work. In the browser a call owned by a worker
//! request yields to the worker's event loop every [`YIELD_MS`] (so `diagnostics()`, a new
//! session or a cancellation is answered while it runs) and stops with `aborted` once its caller
//! cancelled it; natively, and for calls no request owns, a tick does nothing.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::train::clock;
use crate::{Error, Result};

/// Most milliseconds of work between two yields to the event loop.
pub const YIELD_MS: f64 = 30.0;

thread_local! {
    /// Calls in progress by request id, and whether each was cancelled.
    static CALLS: RefCell<HashMap<u32, bool>> = RefCell::new(HashMap::new());
}

/// The pace of one call: its request id (if a request owns it) and when it last gave way.
pub struct Pace {
    call: Option<u32>,
    since: f64,
}

impl Pace {
    /// A call no request owns (the CLI, tests): ticks never yield nor stop.
    pub fn free() -> Self {
        Self {
            call: None,
            since: 0.0,
        }
    }

    /// The pace of request `call`, cancellable by [`cancel`] until this value is dropped.
    pub fn of_call(call: u32) -> Self {
        CALLS.with_borrow_mut(|calls| calls.insert(call, false));
        Self {
            call: Some(call),
            since: clock::now_ms(),
        }
    }

    fn check(&self) -> Result<()> {
        let cancelled = self
            .call
            .is_some_and(|call| CALLS.with_borrow(|calls| calls.get(&call) == Some(&true)));
        if cancelled {
            Err(Error::Aborted)
        } else {
            Ok(())
        }
    }

    /// Between two chunks of work: stops a cancelled call, and lets the event loop run when
    /// the call has worked [`YIELD_MS`] since it last did.
    pub async fn tick(&mut self) -> Result<()> {
        self.check()?;
        if self.call.is_some() && clock::now_ms() - self.since >= YIELD_MS {
            give_way().await;
            self.since = clock::now_ms();
            self.check()?;
        }
        Ok(())
    }
}

impl Drop for Pace {
    fn drop(&mut self) {
        if let Some(call) = self.call {
            CALLS.with_borrow_mut(|calls| calls.remove(&call));
        }
    }
}

/// Cancels request `call`: its next tick answers `aborted`. `false` when no such call is in
/// progress (it finished, or never ticked).
pub fn cancel(call: u32) -> bool {
    CALLS.with_borrow_mut(|calls| match calls.get_mut(&call) {
        Some(cancelled) => {
            *cancelled = true;
            true
        }
        None => false,
    })
}

/// Lets the event loop run once: a message posted to itself on a fresh `MessageChannel` (a
/// task, so the worker's queued requests run first). Not `setTimeout(0)`: browsers clamp a
/// timer set from inside timer callbacks 5 deep to at least 4 ms, and a training call resumes
/// from its last yield, so every yield after the fifth waited 4 ms — ~10% of each 30 ms. The
/// timer stays as the fallback where there is no `MessageChannel`.
#[cfg(target_family = "wasm")]
async fn give_way() {
    use wasm_bindgen::{JsCast, JsValue};
    // Its own channel per yield: two paced calls on one worker may wait at once, and the
    // channel lives (here) until its message has come.
    let channel = web_sys::MessageChannel::new().ok();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(channel) = &channel {
            channel.port1().set_onmessage(Some(&resolve));
            if channel.port2().post_message(&JsValue::NULL).is_ok() {
                return;
            }
        }
        let global = js_sys::global();
        let timer = js_sys::Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match timer {
            Some(set_timeout) => {
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from(0));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    if let Some(channel) = channel {
        channel.port1().close();
        channel.port2().close();
    }
}

#[cfg(not(target_family = "wasm"))]
async fn give_way() {}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_call_stops_at_its_next_tick_and_only_it() {
        let mut free = Pace::free();
        let mut a = Pace::of_call(7);
        let mut b = Pace::of_call(8);
        assert!(pollster::block_on(a.tick()).is_ok());
        assert!(cancel(7));
        let err = pollster::block_on(a.tick()).expect_err("cancelled");
        assert_eq!(err.code(), "aborted");
        assert!(pollster::block_on(b.tick()).is_ok(), "another call goes on");
        assert!(pollster::block_on(free.tick()).is_ok());
        drop(a);
        assert!(!cancel(7), "a finished call cannot be cancelled");
        drop(b);
        assert!(!cancel(8));
    }
}
