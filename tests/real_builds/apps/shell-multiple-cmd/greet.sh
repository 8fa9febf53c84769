#!/bin/sh
# Prints a greeting and whether it may be executed by everyone.
echo "greet.sh says hi; mode $(stat -c %a /usr/local/bin/greet.sh)"
