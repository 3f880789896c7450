"""Infrastructure shared by every IP: parameter checking, MyHDL conversion, tool paths."""
