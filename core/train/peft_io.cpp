#include "core/train/peft_io.h"
