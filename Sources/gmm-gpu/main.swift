import GMMCompute
print(kernelBytes())
