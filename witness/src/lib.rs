//! Block witness: sources, re-execution, trace model.
