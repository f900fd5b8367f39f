//! "Ignore a stale answer", named once.
//!
//! Work that answers later (a token fetch, an auth run) is asked for something that can be
//! replaced before the answer arrives: a show of the Connect UI by the next show, a run by the
//! next run or a cancel, a token source by another source or an invalidation. The owner keeps a
//! [`Generation`] and moves it on when that happens; the work keeps the [`Ticket`] it was
//! started with, and its answer counts only while the ticket is still current.

use std::cell::Cell;

/// A counter of replacements: each [`next`](Self::next) makes every earlier ticket stale.
#[derive(Debug, Default)]
pub(crate) struct Generation(Cell<u64>);

/// What a piece of work was started for: current until its [`Generation`] moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

impl Generation {
    /// Replaces what came before: earlier tickets are stale, the returned one is current.
    pub(crate) fn next(&self) -> Ticket {
        self.0.set(self.0.get().wrapping_add(1));
        self.current()
    }

    /// The ticket for work started now.
    pub(crate) fn current(&self) -> Ticket {
        Ticket(self.0.get())
    }

    /// Whether an answer to work started with `ticket` still counts.
    pub(crate) fn is_current(&self, ticket: Ticket) -> bool {
        self.0.get() == ticket.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_current_until_the_generation_moves_on() {
        let generation = Generation::default();
        let first = generation.current();
        assert!(generation.is_current(first));
        let second = generation.next();
        assert!(!generation.is_current(first), "an answer to replaced work is stale");
        assert!(generation.is_current(second));
        assert_eq!(generation.current(), second);
        assert_ne!(generation.next(), second);
        assert!(!generation.is_current(second));
    }
}
