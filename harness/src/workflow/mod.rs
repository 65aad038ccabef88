//! The workflow floor: the commands the front door (`xtask`) offers, composed from the floors
//! below.

pub mod bench;
pub mod prerequisites;
