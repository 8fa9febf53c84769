"""Greets --name, to show ENTRYPOINT as the fixed command and CMD as its default arguments."""
import argparse

import six

parser = argparse.ArgumentParser()
parser.add_argument("--name", default="world")
args = parser.parse_args()
print(six.ensure_str(f"hello, {args.name}"))
