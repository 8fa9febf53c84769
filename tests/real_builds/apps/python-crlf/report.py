"""Prints one line, so a test can see the program ran."""
import six

print(f"report: six {six.__version__}")
