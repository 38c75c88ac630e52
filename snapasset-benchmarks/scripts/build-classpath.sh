# Sourced (not run) by the queue scripts beside it. Builds the benchmarks module and the modules it
# needs from this checkout (package with -am, never install, so no stale SNAPSHOT jar from ~/.m2 is
# measured), writes its dependency classpath in the same Maven command, and sets ROOT (the checkout)
# and CP (the module's classes and that classpath). Leaves the working directory at ROOT.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$ROOT/.scratch"
cd "$ROOT"
mvn -q -pl snapasset-benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  dependency:build-classpath -Dmdep.outputFile="$ROOT/.scratch/benchmarks-classpath.txt"
CP="$ROOT/snapasset-benchmarks/target/classes:$(cat "$ROOT/.scratch/benchmarks-classpath.txt")"
