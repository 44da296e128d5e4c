"""What each screen shows, from the store and the analysis: live, review, history, exports."""
