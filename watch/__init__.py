"""The exam-day watch: every resource re-checked from every location during the exam, alerts on each
change of state, downtime intervals in the results store, a status page (see README: Exam-day watch)."""
