//! Live sessions by id. A session is checked out for the length of an async call, so a second
//! call on it meanwhile gets `busy` instead of a RefCell panic.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::session::Session;
use crate::{Error, Result};

enum Slot {
    Idle(Box<Session>),
    Busy { dispose_when_done: bool },
}

#[derive(Default)]
struct Sessions {
    next_id: u32,
    slots: HashMap<u32, Slot>,
}

thread_local! {
    static SESSIONS: RefCell<Sessions> = RefCell::new(Sessions::default());
}

pub struct Registry;

impl Registry {
    pub fn insert(session: Session) -> u32 {
        SESSIONS.with_borrow_mut(|s| {
            s.next_id = s.next_id.wrapping_add(1).max(1);
            let id = s.next_id;
            s.slots.insert(id, Slot::Idle(Box::new(session)));
            id
        })
    }

    pub fn checkout(id: u32) -> Result<Box<Session>> {
        SESSIONS.with_borrow_mut(|s| match s.slots.remove(&id) {
            Some(Slot::Idle(session)) => {
                s.slots.insert(
                    id,
                    Slot::Busy {
                        dispose_when_done: false,
                    },
                );
                Ok(session)
            }
            Some(busy @ Slot::Busy { .. }) => {
                s.slots.insert(id, busy);
                Err(Error::Busy { id })
            }
            None => Err(Error::UnknownSession { id }),
        })
    }

    pub fn checkin(id: u32, session: Box<Session>) {
        SESSIONS.with_borrow_mut(|s| {
            if let Some(Slot::Busy {
                dispose_when_done: false,
            }) = s.slots.get(&id)
            {
                s.slots.insert(id, Slot::Idle(session));
            } else {
                s.slots.remove(&id);
            }
        })
    }

    pub fn dispose(id: u32) -> bool {
        SESSIONS.with_borrow_mut(|s| match s.slots.get_mut(&id) {
            Some(Slot::Busy { dispose_when_done }) => {
                *dispose_when_done = true;
                true
            }
            Some(Slot::Idle(_)) => {
                s.slots.remove(&id);
                true
            }
            None => false,
        })
    }

    pub fn len() -> u32 {
        SESSIONS.with_borrow(|s| s.slots.len() as u32)
    }
}
