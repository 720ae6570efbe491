#!/bin/bash -eu
# One build for OSS-Fuzz and ClusterFuzzLite: see oss-fuzz/build.sh.
exec "$SRC/connfuzz/oss-fuzz/build.sh"
