// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gmm-gpu",
    products: [
        .library(name: "GMMCompute", targets: ["GMMCompute"]),
        .library(name: "GMMKit", targets: ["GMMKit"]),
        .executable(name: "gmm-gpu", targets: ["gmm-gpu"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // YAML model descriptions (Config/ModelConfig+Files.swift); Yams imports full Foundation.
        .package(url: "https://github.com/jpsim/Yams", "5.0.1"..<"7.0.0"),
        // Documentation only: `swift package generate-documentation` builds the DocC catalogues.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C shims: run-time loading of OpenCL, CLBlast, OpenBLAS, zlib and HDF5 (dlopen), CPU feature detection,
        // and the CPU device's fused dense-layer kernel (AVX2 + FMA, chosen at run time).
        .target(
            name: "CGMMSupport",
            cSettings: [.define("CL_TARGET_OPENCL_VERSION", to: "120")],
            linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]
        ),
        // The compute layer: the `Device` abstraction, its CPU (OpenBLAS) and OpenCL implementations.
        .target(
            name: "GMMCompute",
            dependencies: ["CGMMSupport"],
            resources: [.embedInCode("Kernels")]
        ),
        // The density model, latent projection, training, sampling, file formats and the Appendix-A toy.
        .target(
            name: "GMMKit",
            dependencies: ["GMMCompute", "CGMMSupport", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "gmm-gpu",
            dependencies: [
                "GMMCompute",
                "GMMKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: goodness-of-fit statistics, quadrature, temporary directories, child processes.
        .target(name: "GMMTestSupport", dependencies: ["GMMKit"], path: "Tests/GMMTestSupport"),
        .testTarget(name: "GMMComputeTests", dependencies: ["GMMCompute", "CGMMSupport", "GMMTestSupport"]),
        .testTarget(name: "GMMKitTests", dependencies: ["GMMKit", "CGMMSupport", "GMMTestSupport"]),
        // The gmm-gpu executable end to end (it is built beside the test binary and run as a child process).
        .testTarget(name: "GMMCommandLineTests", dependencies: ["GMMKit", "GMMTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
