//! Ignoring a stale answer, named once: tickets.
//!
//! Every asynchronous answer brings back the ticket of what asked for it: a request the
//! [`Ticket`] the reducer gave it, an auth call the [`AuthTicket`] the component gave it (the
//! call starts inside the click, before the reducer hears of it). The reducer awaits one ticket
//! per kind ([`Awaited`]) and takes only the answer that brings it back; a late answer of a
//! superseded request or auth is ignored.

/// Ties a request's answer to the request: only the latest request of a kind is awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// The ticket of an auth call, chosen by the component when it starts the call (a new one for
/// each call).
pub type AuthTicket = u64;

/// Gives out request tickets, a new one each time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tickets {
    last: u64,
}

impl Tickets {
    /// A ticket never given before.
    pub(super) fn next(&mut self) -> Ticket {
        self.last += 1;
        Ticket(self.last)
    }
}

/// The ticket whose answer is awaited, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Awaited<T>(Option<T>);

impl<T> Default for Awaited<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T: PartialEq> Awaited<T> {
    /// From now on, only the answer that brings back `ticket` is taken.
    pub(super) fn wait_for(&mut self, ticket: T) {
        self.0 = Some(ticket);
    }

    /// Whether `ticket` is the awaited one; if so it is awaited no more.
    pub(super) fn take(&mut self, ticket: T) -> bool {
        let matches = self.0.as_ref() == Some(&ticket);
        if matches {
            self.0 = None;
        }
        matches
    }

    /// Awaits nothing any more; whether something was awaited.
    pub(super) fn give_up(&mut self) -> bool {
        self.0.take().is_some()
    }
}
