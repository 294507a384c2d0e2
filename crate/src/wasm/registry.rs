//! Live sessions and continual-learning runs by id, one pool per kind. An item is checked out
//! for the length of an async call, so a second call on it meanwhile gets `busy` instead of a
//! RefCell panic.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

use crate::classify::ClassifySession;
use crate::continual::run::ClRun;
use crate::continual::run::classroom::FederatedClient;
use crate::icl::session::Session;
use crate::markov::session::MarkovSession;
use crate::{Error, Result};

enum Slot<T> {
    Idle(Box<T>),
    Busy { dispose_when_done: bool },
}

pub struct Pool<T> {
    next_id: u32,
    slots: HashMap<u32, Slot<T>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Self {
            next_id: 0,
            slots: HashMap::new(),
        }
    }
}

thread_local! {
    static SESSIONS: RefCell<Pool<Session>> = RefCell::new(Pool::default());
    static RUNS: RefCell<Pool<ClRun>> = RefCell::new(Pool::default());
    static CLASSIFY: RefCell<Pool<ClassifySession>> = RefCell::new(Pool::default());
    static CLIENTS: RefCell<Pool<FederatedClient>> = RefCell::new(Pool::default());
    static MARKOV: RefCell<Pool<MarkovSession>> = RefCell::new(Pool::default());
}

/// Something the registry can hold.
pub trait Pooled: Sized + 'static {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>>;
}

impl Pooled for Session {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>> {
        &SESSIONS
    }
}

impl Pooled for ClRun {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>> {
        &RUNS
    }
}

impl Pooled for ClassifySession {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>> {
        &CLASSIFY
    }
}

impl Pooled for FederatedClient {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>> {
        &CLIENTS
    }
}

impl Pooled for MarkovSession {
    fn pool() -> &'static LocalKey<RefCell<Pool<Self>>> {
        &MARKOV
    }
}

pub struct Registry;

impl Registry {
    pub fn insert<T: Pooled>(item: T) -> u32 {
        T::pool().with_borrow_mut(|s| {
            s.next_id = s.next_id.wrapping_add(1).max(1);
            let id = s.next_id;
            s.slots.insert(id, Slot::Idle(Box::new(item)));
            id
        })
    }

    pub fn checkout<T: Pooled>(id: u32) -> Result<Box<T>> {
        T::pool().with_borrow_mut(|s| match s.slots.remove(&id) {
            Some(Slot::Idle(item)) => {
                s.slots.insert(
                    id,
                    Slot::Busy {
                        dispose_when_done: false,
                    },
                );
                Ok(item)
            }
            Some(busy @ Slot::Busy { .. }) => {
                s.slots.insert(id, busy);
                Err(Error::Busy { id })
            }
            None => Err(Error::UnknownSession { id }),
        })
    }

    pub fn checkin<T: Pooled>(id: u32, item: Box<T>) {
        T::pool().with_borrow_mut(|s| {
            if let Some(Slot::Busy {
                dispose_when_done: false,
            }) = s.slots.get(&id)
            {
                s.slots.insert(id, Slot::Idle(item));
            } else {
                s.slots.remove(&id);
            }
        })
    }

    pub fn dispose<T: Pooled>(id: u32) -> bool {
        T::pool().with_borrow_mut(|s| match s.slots.get_mut(&id) {
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

    pub fn len<T: Pooled>() -> u32 {
        T::pool().with_borrow(|s| s.slots.len() as u32)
    }
}
