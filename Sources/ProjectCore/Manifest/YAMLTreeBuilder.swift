import CYAML

/// Builds the `YAMLNode` tree from libyaml's events for `YAMLReader`: anchors, aliases and bounds.
struct YAMLTreeBuilder {
  enum Frame {
    case sequence([YAMLNode], SourceMark, anchor: String?)
    case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, SourceMark, anchor: String?)
  }

  var stack: [Frame] = []
  /// The expanded size of each open container, so that aliases count what they stand for.
  var frameSizes: [Int] = []
  /// The height of each open container's tallest child so far, so that an alias cannot carry
  /// nesting past the limit.
  var frameHeights: [Int] = []
  var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
  var root: YAMLNode?
  var documents = 0
  var nodeCount = 0

  static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) {
    let mark = SourceMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documents += 1
      if documents > 1 {
        throw YAMLError(mark: mark, message: "a second YAML document; the manifest must be one document")
      }
    case YAML_SEQUENCE_START_EVENT:
      try push(mark)
      frameSizes.append(1)
      frameHeights.append(0)
      stack.append(.sequence([], mark, anchor: Self.string(event.data.sequence_start.anchor)))
    case YAML_MAPPING_START_EVENT:
      try push(mark)
      frameSizes.append(1)
      frameHeights.append(0)
      stack.append(.mapping([], pendingKey: nil, mark, anchor: Self.string(event.data.mapping_start.anchor)))
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      guard let frame = stack.popLast(), let size = frameSizes.popLast(), let height = frameHeights.popLast() else {
        return
      }
      switch frame {
      case .sequence(let items, let m, let anchor):
        try add(.sequence(items, m), anchor: anchor, size: size, height: height + 1, counted: true)
      case .mapping(let pairs, _, let m, let anchor):
        try add(.mapping(pairs, m), anchor: anchor, size: size, height: height + 1, counted: true)
      }
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
      let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
      try add(.scalar(text, plain: plain, mark), anchor: Self.string(scalar.anchor), size: 1, height: 0)
    case YAML_ALIAS_EVENT:
      let name = Self.string(event.data.alias.anchor) ?? ""
      guard let target = anchors[name] else {
        throw YAMLError(mark: mark, message: "unknown alias '*\(name)'")
      }
      if stack.count + target.height > YAMLReader.maximumDepth {
        throw YAMLError(mark: mark, message: "the alias '*\(name)' nests deeper than \(YAMLReader.maximumDepth) levels")
      }
      try add(target.node, anchor: nil, size: target.size, height: target.height)
    default:
      break
    }
  }

  mutating func push(_ mark: SourceMark) throws(YAMLError) {
    if stack.count >= YAMLReader.maximumDepth {
      throw YAMLError(mark: mark, message: "nesting deeper than \(YAMLReader.maximumDepth) levels")
    }
  }

  /// Adds a finished node to its parent; `counted` when its size was already added child by child.
  mutating func add(_ node: YAMLNode, anchor: String?, size: Int, height: Int, counted: Bool = false) throws(YAMLError)
  {
    if !counted { nodeCount += size }
    if !frameSizes.isEmpty {
      frameSizes[frameSizes.count - 1] += size
      frameHeights[frameHeights.count - 1] = max(frameHeights[frameHeights.count - 1], height)
    }
    if nodeCount > YAMLReader.maximumNodes {
      throw YAMLError(mark: node.mark, message: "the document expands to more than \(YAMLReader.maximumNodes) nodes")
    }
    if let anchor { anchors[anchor] = (node, size, height) }
    guard let top = stack.popLast() else {
      root = node
      return
    }
    switch top {
    case .sequence(var items, let m, let a):
      items.append(node)
      stack.append(.sequence(items, m, anchor: a))
    case .mapping(var pairs, let pendingKey, let m, let a):
      if let key = pendingKey {
        pairs.append((key, node))
        stack.append(.mapping(pairs, pendingKey: nil, m, anchor: a))
      } else {
        stack.append(.mapping(pairs, pendingKey: node, m, anchor: a))
      }
    }
  }
}
