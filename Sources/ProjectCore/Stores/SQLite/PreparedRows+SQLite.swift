import CSQLite

extension PreparedRows {
  /// Binds row `row`'s four columns to parameters `first` to `first + 3`, without copies:
  /// `text` is this buffer's storage, and must outlive the statement's next reset.
  func bind(_ row: Int, from text: UnsafeBufferPointer<UInt8>, to statement: SQLiteStatement, at first: Int32) throws {
    for column in 0..<4 {
      try statement.bind(
        borrowing: UnsafeBufferPointer(rebasing: text[range(row, column)]), at: first + Int32(column))
    }
  }
}
