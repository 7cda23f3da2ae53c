"""A test module that cannot be imported: unittest reports it as one failed test."""

import a_module_that_is_not_installed  # noqa: F401
