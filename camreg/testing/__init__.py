"""Helpers shared by the tests of every app, one module per layer.

A module imports only the apps it is about and those below them (`browser` none,
`audit` the audit log, `staff` accounts, `registrants` the registry, `canvass` canvass), so
an app's tests never pull in a higher app. This package imports nothing.
"""
