public func kernelBytes() -> Int { PackageResources.test_cl.count }
