#!/bin/sh
# Stands for an acv binary built without the estimator: lists only rtl, runs the rest with $ACV_REAL.
if [ "$1" = list ]; then echo rtl; exit 0; fi
exec "$ACV_REAL" "$@"
