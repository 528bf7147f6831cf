/// Caps on what an error message quotes of untrusted input (a file's header, a field, a name),
/// so that a message stays one readable line however large or binary the input is.
enum MessageQuoting {
    /// The most characters one quoted value shows.
    static let characterLimit = 120
    /// The most items a quoted list shows.
    static let itemLimit = 20

    /// `text` as a message shows it: control characters and invalid bytes as escapes
    /// (`\u{0}`), at most ``characterLimit`` characters, then how many were left out.
    static func value(_ text: String) -> String {
        var shown = ""
        var count = 0
        for character in text {
            if count == characterLimit {
                return shown + "… (\(text.count - characterLimit) more characters)"
            }
            count += 1
            if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{FFFD}" }) {
                shown += character.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
            } else {
                shown.append(character)
            }
        }
        return shown
    }

    /// `items` as a comma-separated list of quoted values: at most ``itemLimit`` of them, then
    /// how many were left out; a `trailer` (advice, not input) always comes last, whole.
    static func list(_ items: [String], trailer: String? = nil) -> String {
        var shown = items.prefix(itemLimit).map(value).joined(separator: ", ")
        if items.count > itemLimit { shown += ", … and \(items.count - itemLimit) more" }
        if let trailer { shown += shown.isEmpty ? trailer : ", " + trailer }
        return shown
    }
}
