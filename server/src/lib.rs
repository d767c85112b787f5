//! The hasone demo server (binary `hasone`): the demo domain of `entities`
//! registered with hasone-graphql ([`app`]) and served by hasone-actix
//! ([`startup`]), with the demo's settings ([`config`]) and subcommands
//! ([`cli`]).

pub mod app;
pub mod cli;
pub mod config;
pub mod startup;
