//! A compact binary form of a model description ([`super::Layer`]s), embedded by the typed driver.
