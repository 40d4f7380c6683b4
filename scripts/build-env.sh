# Sourced by the build scripts: compile through ccache when it is installed.
# Paths under the checkout are hashed relative to it, and the build folder is
# left out of the hash, so a fresh clone elsewhere on the same machine reuses
# the objects an earlier build compiled.
AIMC_CMAKE_LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  CCACHE_BASEDIR="$(pwd)"
  export CCACHE_BASEDIR
  export CCACHE_NOHASHDIR=true
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  # The test programs use precompiled headers; these let ccache cache them.
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
  AIMC_CMAKE_LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
