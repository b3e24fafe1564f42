// Placeholder until the CLI lands in this same change set.
int main() { return 0; }
