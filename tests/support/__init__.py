"""Test support that the project owns: fakes of the outside world, never of the SDKs."""
