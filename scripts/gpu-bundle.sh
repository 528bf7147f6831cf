#!/usr/bin/env bash
# Packs what a machine without Swift needs to run gmm-gpu on its GPU into .carry/ (git-ignored):
# a release binary with the Swift runtime linked in (--static-swift-stdlib; glibc stays dynamic so
# dlopen works), gzip'd to fit transfer limits; the Debian packages of the libraries it loads at run
# time (OpenCL loader, CLBlast, OpenBLAS, libgfortran); and setup.sh, which the target machine
# sources to unpack them, register NVIDIA's OpenCL driver with the loader and put gmm-gpu on PATH.
#
#   scripts/gpu-bundle.sh            # here
#   source .carry/setup.sh; gmm-gpu devices; gmm-gpu check --device gpu0   # there
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product gmm-gpu --scratch-path .build-static
mkdir -p .carry
strip -o .carry/gmm-gpu .build-static/release/gmm-gpu
gzip -9 -f .carry/gmm-gpu
(cd .carry && apt-get download ocl-icd-libopencl1 libclblast1 libopenblas0-pthread libgfortran5)
cat > .carry/setup.sh <<'SETUP'
# Source me on the GPU machine from the repository root.
mkdir -p /tmp/gmm-gpu/libs /tmp/gmm-gpu/icd /tmp/gmm-gpu/bin
for f in .carry/*.deb; do dpkg -x "$f" /tmp/gmm-gpu/libs; done
gunzip -c .carry/gmm-gpu.gz > /tmp/gmm-gpu/bin/gmm-gpu && chmod +x /tmp/gmm-gpu/bin/gmm-gpu
lib=/tmp/gmm-gpu/libs/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$lib:$lib/openblas-pthread:${LD_LIBRARY_PATH:-}
# NVIDIA's OpenCL driver: registered with the loader through a private vendors folder.
nv=$(ls /usr/local/nvidia/lib64/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 2>/dev/null | head -1)
if [ -n "$nv" ]; then echo "$nv" > /tmp/gmm-gpu/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/gmm-gpu/icd; fi
echo "NVIDIA OpenCL driver: ${nv:-not found}"
export PATH=/tmp/gmm-gpu/bin:$PATH
SETUP
ls -la .carry
