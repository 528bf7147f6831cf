/// A float32 array that lives on a ``Device``.
///
/// Created by ``Device/makeBuffer(count:)`` or ``Device/makeBuffer(_:)`` and read back with
/// ``Device/read(_:)``. A buffer belongs to the device that made it; passing it to another
/// device is a programming error. Memory is released when the last reference goes.
open class DeviceBuffer {
    /// The number of float32 elements.
    public let count: Int
    /// An identifier of the owning device instance, used to check buffers are not mixed.
    public let deviceID: ObjectIdentifier

    /// Creates the bookkeeping part of a buffer; devices subclass this.
    public init(count: Int, deviceID: ObjectIdentifier) {
        self.count = count
        self.deviceID = deviceID
    }
}
