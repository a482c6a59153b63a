//! rebuttal's proof system.
