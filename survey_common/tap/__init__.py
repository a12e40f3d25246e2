"""What every tap of the suite shares: the tap and stream bases, paging, and record conforming."""
